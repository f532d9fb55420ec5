# CTest driver for examples/consumer, the way a user runs it (docs/install.md): install webtx
# into a prefix, copy the example into a fresh folder, configure it with find_package(webtx)
# from that prefix, build its models, `npm install` the runtime package from the prefix
# (offline; the example's tools -- esbuild, typescript, webgpu -- are linked from
# examples/consumer/node_modules, which `scripts/webtx setup` installs), type-check with tsc,
# check the models in Node, bundle the page with esbuild and check it served over HTTP in
# headless Chromium. Every check compares with the example's plain C++ reference.
# cmake -DSOURCE_DIR=<webtx src> -DBUILD_DIR=<webtx build> -DWORK=<dir> -DNODE=<node>
#       -DNPM=<npm> -P consumer_example_test.cmake
foreach(v SOURCE_DIR BUILD_DIR WORK NODE NPM)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "consumer_example_test: -D${v}= is required")
  endif()
endforeach()
function(run)
  execute_process(COMMAND ${ARGV} WORKING_DIRECTORY ${WORK}/app RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer_example_test: failed (${rc}): ${ARGV}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "consumer_example_test: cmake --install failed")
endif()
set(example ${SOURCE_DIR}/examples/consumer)
file(GLOB files LIST_DIRECTORIES false ${example}/*)
file(COPY ${files} DESTINATION ${WORK}/app)

run(${CMAKE_COMMAND} -S . -B build -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build build -j2)
set(tools ${example}/node_modules)
if(NOT EXISTS ${tools}/esbuild OR NOT EXISTS ${tools}/typescript OR NOT EXISTS ${tools}/webgpu)
  message(FATAL_ERROR "consumer_example_test: ${tools} lacks esbuild, typescript or webgpu: run "
                      "scripts/webtx setup (npm ci in examples/consumer)")
endif()
# The app's own package.json without the tools (they are linked below): no registry needed.
file(WRITE ${WORK}/app/package.json
     "{ \"name\": \"webtx-consumer-app\", \"private\": true, \"type\": \"module\" }\n")
file(REMOVE ${WORK}/app/package-lock.json)
run(${NPM} install --offline --no-audit --no-fund --loglevel=error --install-links
    ${WORK}/prefix/share/webtx/web)
# `npm pack` of the installed package ships its entries and types.
execute_process(COMMAND ${NPM} pack --dry-run --json ${WORK}/prefix/share/webtx/web
                WORKING_DIRECTORY ${WORK}/app OUTPUT_VARIABLE pack RESULT_VARIABLE rc)
foreach(f package.json src/index.js src/index.d.ts src/node.js src/node.d.ts)
  if(NOT rc EQUAL 0 OR NOT pack MATCHES "\"path\": \"${f}\"")
    message(FATAL_ERROR "consumer_example_test: npm pack lacks ${f}: ${pack}")
  endif()
endforeach()
foreach(p esbuild @esbuild typescript @typescript webgpu)
  if(EXISTS ${tools}/${p})
    file(CREATE_LINK ${tools}/${p} ${WORK}/app/node_modules/${p} SYMBOLIC)
  endif()
endforeach()
run(${NODE} node_modules/typescript/bin/tsc --noEmit -p .)
set(ENV{VK_ICD_FILENAMES} /usr/lib/chromium/vk_swiftshader_icd.json)
run(${NODE} node_check.mjs)
run(${WORK}/app/node_modules/esbuild/bin/esbuild page.js --bundle --format=esm --target=es2022
    --outfile=dist/page.js --log-level=warning)
file(GLOB wasm ${WORK}/app/build/*/*.wasm)
file(COPY ${wasm} ${WORK}/app/index.html ${WORK}/app/build/refs.json DESTINATION ${WORK}/app/dist)
run(${NODE} serve_check.mjs ${SOURCE_DIR})
