#!/usr/bin/env python3
"""The "regs" variant of a generated row-groups softmax kernel (issue 11, probe of 2026-11-28).

With row_groups G, each workgroup caches the whole row in registers (X_private, 32 per
invocation of 1024: element t + 1024 k) but writes its chunk reading X again from global
memory, since the cache index would depend on the workgroup. This rewrites the interior
kernel's output loop into G branches on the chunk (workgroup y), each storing its 32 / G
elements from the cache with constant indices: what an "unswitch on the workgroup" pass
would generate. Usage: regs_variant.py G in.wgsl out.wgsl (rows of 32768, 1024 invocations).
"""
import sys

G, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = open(src).read().split('\n')
start = [i for i, l in enumerate(lines) if l.startswith('    softmax_sum[0i] = ')][0]
end = lines.index('  } else {')  # the interior version's end (the edge follows)
chunk, per = 32768 // G, 32 // G
assert 'X[' in '\n'.join(lines[start:end]), 'the output loop does not read X'
body = []
for g in range(G):
    body.append(('    if' if g == 0 else '    } else if') + f' (i1_outer == {g}i) {{')
    for k in range(per):
        body.append(
            f'      Y[((i0 * N_1) + ({g * chunk}i)) + ({k}i * 1024i) + i32(webtx_local_id.x)] = '
            f'select(bitcast<f32>(webtx_runtime_zero | 0x7fc00000u), '
            f'(exp((X_private[{g * per + k}i] - softmax_max[0i])) / softmax_sum[0i]), '
            f'((softmax_sum[0i] > 0.5f) && (softmax_sum[0i] <= 0x1.fffffep+127f)));')
body.append('    }')
open(dst, 'w').write('\n'.join(lines[:start + 1] + body + lines[end:]))
