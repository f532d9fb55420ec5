# add_webgpu_model(<name> SOURCES <generator.cpp>...
#                  [MODEL <registered name>] [PARAMS NAME=VALUE...]
#                  [TARGET <target> | TARGETS <target>...]
#                  [OUTPUT_DIR <dir>] [JS_RUNTIME <module>] [DUMP_IR])
#
# Builds the generator (the sources, which use WEBTX_MODEL) natively, runs it at build time
# and links its host-stub object with the wasm runtime through emcc. Produces in OUTPUT_DIR
# (default: <current binary dir>/<name>):
#   <name>.wasm, <name>.js (ES module exporting loadModel(opts)), <name>.d.ts (its types:
#   the model's inputs, outputs and symbols by name), <name>.manifest.json, the kernels'
#   .wgsl/.spv/.spvasm, and with DUMP_IR <name>.ir.txt and <name>.host.ll.
# Returns an ordinary target <name> (ALL) that builds them; its WEBTX_GENERATOR property names
# the native generator executable. One generator is built per set of SOURCES (in one
# directory): every model made from the same sources runs the same executable, so another
# model costs no native link. It is <first model's name>_generator.
# MODEL picks the WEBTX_MODEL to run (default <name>); the outputs are named <name> either way.
# PARAMS are the generator's build-time parameters (ctx.param<T>("tile", 128) in the model):
# one source yields many variants, e.g.
#   add_webgpu_model(mm_1024 SOURCES mm.cpp MODEL mm PARAMS N=1024 tile=128)
# A malformed entry is a configure error; a parameter the model does not read, or a value that
# does not parse as the type the model asks for, fails the build naming the model and the
# parameter. The manifest records every parameter the model read ("params").
# TARGET names what the model is built for (default webgpu: WebGPU's guaranteed limits;
# webgpu-f16, webgpu-large, ...: see include/webtx/target.hpp): lowering and the backends
# reject kernels over its limits, and the manifest records it; the runtime refuses a device
# that lacks what the kernels need.
# TARGETS <t1> <t2> ... builds one variant per target, best first, each a whole model in
# OUTPUT_DIR/<t>/ (<name>.wasm, <name>.manifest.json, kernels); the generator runs once per
# target and the model may choose by webtx::generator_target() (webtx/generator_target.hpp),
# e.g. f16 compute where the target has shader-f16. <name>.js lists the variants (`variants`)
# and its loadModel loads the first whose features and limits the device has; <name>.d.ts is
# the first variant's (the variants should share inputs and outputs). WEBTX_WASM and
# WEBTX_MANIFEST name the first variant; WEBTX_VARIANTS lists "<target>|<dir>" per variant.
# JS_RUNTIME is the module specifier <name>.js imports the webtx JS runtime from (default
# 'webtx', the npm package: `npm install <prefix>/share/webtx/web` in the project that serves
# or bundles the model; or the WEBTX_JS_RUNTIME cache variable). docs/install.md says more.
#
# The generator's sources are compiled for compile time, not run time (they run once, at build
# time, and the heavy work is in the already optimised webtx::compiler): at -O0 and with one
# precompiled <webtx/generator.hpp> shared by every generator of the project
# (WEBTX_GENERATOR_FAST_COMPILE, default ON). An object library given as
# SOURCES $<TARGET_OBJECTS:lib> gets the same; webtx_generator_sources(<target>) does it for
# any other target that compiles generator sources.
include_guard(GLOBAL)
include(${CMAKE_CURRENT_LIST_DIR}/WebtxEmscripten.cmake)

# In webtx's own source tree, build the wasm runtime next to the libraries; an installed
# webtx sets these from its config file instead.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/../runtime/wasm/CMakeLists.txt AND NOT TARGET webtx_runtime_wasm
   AND TARGET webtx_generator_main)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/../runtime/wasm ${PROJECT_BINARY_DIR}/runtime/wasm)
  get_filename_component(_webtx_js_package ${CMAKE_CURRENT_LIST_DIR}/../web ABSOLUTE)
  set(WEBTX_JS_PACKAGE_DIR ${_webtx_js_package} CACHE INTERNAL "the webtx npm package")
  set(WEBTX_JS_ENTRY ${_webtx_js_package}/src/index.js CACHE INTERNAL
      "webtx JS runtime entry module")
  # Loaders in this build tree import 'webtx': Node finds the package through this link in
  # the top build folder (as a user's project finds it after `npm install
  # <prefix>/share/webtx/web`).
  file(MAKE_DIRECTORY ${CMAKE_BINARY_DIR}/node_modules)
  file(CREATE_LINK ${_webtx_js_package} ${CMAKE_BINARY_DIR}/node_modules/webtx SYMBOLIC)
endif()
set(WEBTX_JS_RUNTIME "webtx" CACHE STRING
    "Module specifier model loaders import the webtx JS runtime from (the npm package's name)")
option(WEBTX_GENERATOR_FAST_COMPILE
       "Compile model generators at -O0 with a shared precompiled <webtx/generator.hpp>" ON)

# Compile <target>'s sources as model generators (see above). The precompiled header belongs
# to one internal object library per project, webtx_generator_pch; every generator reuses it,
# so they must all be compiled with the same flags (GCC ignores a mismatching .gch with a
# warning, -Winvalid-pch, and parses the header instead).
function(webtx_generator_sources target)
  get_target_property(done ${target} WEBTX_GENERATOR_SOURCES)
  if(NOT WEBTX_GENERATOR_FAST_COMPILE OR done)
    return()
  endif()
  set_target_properties(${target} PROPERTIES WEBTX_GENERATOR_SOURCES ON)
  # Optimisation flags: the ones GCC and Clang know; another compiler keeps the project's.
  set(opt $<$<COMPILE_LANG_AND_ID:CXX,GNU,Clang>:-O0>)
  if(NOT TARGET webtx_generator_pch)
    set(src ${PROJECT_BINARY_DIR}/webtx_generator_pch.cpp)
    file(CONFIGURE OUTPUT ${src} CONTENT "// Holds the precompiled <webtx/generator.hpp>.\n")
    add_library(webtx_generator_pch OBJECT ${src})
    target_link_libraries(webtx_generator_pch PRIVATE webtx::webtx webtx::generator)
    target_compile_options(webtx_generator_pch PRIVATE ${opt})
    target_precompile_headers(webtx_generator_pch PRIVATE <webtx/generator.hpp>)
  endif()
  target_compile_options(${target} PRIVATE ${opt})
  target_precompile_headers(${target} REUSE_FROM webtx_generator_pch)
endfunction()

# Steps 2 and 3 of add_webgpu_model for one target: generate into `out`, link <name>.wasm there.
# Sets <prefix>_wasm and <prefix>_stamp in the caller.
function(_webtx_model_variant name model gen out target dump_ir param_args prefix)
  # 2. Run the generator. It rewrites outputs only when their content changes and always touches
  # the stamp; with Ninja (restat) an unchanged host object then skips the relink.
  set(stamp ${out}/${name}.stamp)
  set(host_o ${out}/${name}.host.o)
  set(manifest ${out}/${name}.manifest.json)
  set(dts ${out}/${name}.d.ts)
  set(gen_args -o ${out} --model ${model} --name ${name} ${param_args})
  if(target)
    list(APPEND gen_args --target ${target})
  endif()
  if(dump_ir)
    list(APPEND gen_args --dump-ir)
  endif()
  add_custom_command(OUTPUT ${stamp} BYPRODUCTS ${host_o} ${manifest} ${dts}
    COMMAND $<TARGET_FILE:${gen}> ${gen_args}
    DEPENDS ${gen} COMMENT "webtx: generating model ${name} ${target}" VERBATIM)

  # 3. Link host stub + runtime into a standalone module whose only imports are webtx_js.*
  # (imports.js names them; any other undefined symbol fails the link).
  get_property(runtime_obj GLOBAL PROPERTY WEBTX_WASM_RUNTIME_OBJECT)
  get_property(imports_js GLOBAL PROPERTY WEBTX_WASM_IMPORTS_JS)
  get_property(runtime_target GLOBAL PROPERTY WEBTX_WASM_RUNTIME_TARGET)
  set(wasm ${out}/${name}.wasm)
  # (Make has no rule for a byproduct: depend on the stamp there.)
  if(CMAKE_GENERATOR MATCHES "Ninja")
    set(link_deps ${host_o})
  else()
    set(link_deps ${stamp})
  endif()
  add_custom_command(OUTPUT ${wasm}
    COMMAND ${WEBTX_EMCC_COMMAND} ${WEBTX_EMCC_LINKFLAGS} --js-library ${imports_js}
            ${runtime_obj} ${host_o} -o ${wasm}
    DEPENDS ${link_deps} ${runtime_obj} ${imports_js} ${runtime_target}
    COMMENT "webtx: linking ${name}.wasm ${target}" VERBATIM)
  set(${prefix}_wasm ${wasm} PARENT_SCOPE)
  set(${prefix}_stamp ${stamp} PARENT_SCOPE)
endfunction()

function(add_webgpu_model name)
  cmake_parse_arguments(PARSE_ARGV 1 ARG "DUMP_IR" "MODEL;TARGET;OUTPUT_DIR;JS_RUNTIME"
                        "SOURCES;PARAMS;TARGETS")
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "add_webgpu_model(${name}): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "add_webgpu_model(${name}): SOURCES (the generator's .cpp files) is required")
  endif()
  if(ARG_TARGET AND ARG_TARGETS)
    message(FATAL_ERROR "add_webgpu_model(${name}): give TARGET (one target) or TARGETS "
                        "(one variant per target), not both")
  endif()
  list(REMOVE_DUPLICATES ARG_TARGETS)
  if(NOT WEBTX_EMCC)
    message(FATAL_ERROR "add_webgpu_model(${name}): emcc not found (set WEBTX_EMCC)")
  endif()
  get_property(runtime_obj GLOBAL PROPERTY WEBTX_WASM_RUNTIME_OBJECT)
  get_property(imports_js GLOBAL PROPERTY WEBTX_WASM_IMPORTS_JS)
  if(NOT runtime_obj OR NOT imports_js)
    message(FATAL_ERROR "add_webgpu_model(${name}): the webtx wasm runtime is not available")
  endif()
  set(model ${name})
  if(ARG_MODEL)
    set(model ${ARG_MODEL})
  endif()
  set(out ${CMAKE_CURRENT_BINARY_DIR}/${name})
  if(ARG_OUTPUT_DIR)
    get_filename_component(out ${ARG_OUTPUT_DIR} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
  endif()

  set(param_args)
  foreach(kv IN LISTS ARG_PARAMS)
    if(NOT kv MATCHES "^[A-Za-z_][A-Za-z0-9_]*=")
      message(FATAL_ERROR "add_webgpu_model(${name}): PARAMS entry '${kv}' is not NAME=VALUE "
                          "(NAME: letters, digits and _)")
    endif()
    list(APPEND param_args --param ${kv})
  endforeach()

  # 1. The native generator: one per set of sources (in this directory), shared by every
  # model built from them.
  set(key_sources)
  foreach(src IN LISTS ARG_SOURCES)
    if(NOT src MATCHES "^\\$<")
      get_filename_component(src ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    endif()
    list(APPEND key_sources ${src})
  endforeach()
  string(SHA1 key "${CMAKE_CURRENT_SOURCE_DIR};${key_sources}")
  get_property(gen GLOBAL PROPERTY WEBTX_GENERATOR_${key})
  if(NOT gen)
    set(gen ${name}_generator)
    set_property(GLOBAL PROPERTY WEBTX_GENERATOR_${key} ${gen})
    add_executable(${gen} ${ARG_SOURCES})
    target_link_libraries(${gen} PRIVATE webtx::webtx webtx::generator webtx::generator_main)
    webtx_generator_sources(${gen})
    foreach(src IN LISTS ARG_SOURCES)
      if(src MATCHES "^\\$<TARGET_OBJECTS:([^>]+)>$")
        if(TARGET ${CMAKE_MATCH_1})
          webtx_generator_sources(${CMAKE_MATCH_1})
        endif()
      endif()
    endforeach()
  endif()

  # 2-3. Generate and link: one model, or one variant per target in <out>/<target>/.
  set(variant_files)
  set(variants)
  set(wasm)
  if(ARG_TARGETS)
    list(GET ARG_TARGETS 0 first_target)
    set(variants_js)
    foreach(t IN LISTS ARG_TARGETS)
      _webtx_model_variant(${name} ${model} ${gen} ${out}/${t} "${t}" "${ARG_DUMP_IR}"
                           "${param_args}" v)
      list(APPEND variant_files ${v_wasm} ${v_stamp})
      list(APPEND variants "${t}|${out}/${t}")
      string(APPEND variants_js
             "  { target: '${t}', wasmUrl: new URL('./${t}/${name}.wasm', import.meta.url) },\n")
      if(NOT wasm)
        set(wasm ${v_wasm})
        set(stamp ${v_stamp})
        set(manifest ${out}/${t}/${name}.manifest.json)
        # The loader's types: the first variant's, plus `variants`, next to <name>.js.
        set(dts ${out}/${name}.d.ts)
        set(first_dts ${out}/${t}/${name}.d.ts)
        set(dts_script ${out}/${name}.dts.cmake)
        file(CONFIGURE OUTPUT ${dts_script} CONTENT [=[
file(READ "@first_dts@" text)
string(APPEND text "/** The variants, best first (add_webgpu_model TARGETS); loadModel loads the first the device can run. */\n"
       "export declare const variants: { target: string; wasmUrl: URL }[];\n")
file(WRITE "@dts@.tmp" "${text}")
execute_process(COMMAND "${CMAKE_COMMAND}" -E copy_if_different "@dts@.tmp" "@dts@")
]=] @ONLY)
        add_custom_command(OUTPUT ${dts}
          COMMAND ${CMAKE_COMMAND} -P ${dts_script}
          DEPENDS ${v_stamp} ${dts_script} VERBATIM)
        list(APPEND variant_files ${dts})
      endif()
    endforeach()
  else()
    _webtx_model_variant(${name} ${model} ${gen} ${out} "${ARG_TARGET}" "${ARG_DUMP_IR}"
                         "${param_args}" v)
    set(wasm ${v_wasm})
    set(stamp ${v_stamp})
    set(manifest ${out}/${name}.manifest.json)
    set(dts ${out}/${name}.d.ts)
    list(APPEND variant_files ${wasm} ${stamp})
  endif()

  # 4. The loader module.
  set(js_runtime ${ARG_JS_RUNTIME})
  if(NOT js_runtime)
    set(js_runtime ${WEBTX_JS_RUNTIME})
  endif()
  if(NOT js_runtime)
    set(js_runtime webtx)
  endif()
  if(ARG_TARGETS)
    file(CONFIGURE OUTPUT ${out}/${name}.js CONTENT [=[
// Generated by add_webgpu_model(@name@ TARGETS ...). Loads the first variant of @name@ whose
// WebGPU features and limits the device has, with the webtx JS runtime (types in @name@.d.ts).
import * as webtx from '@js_runtime@';

// Best first; each <target>/@name@.wasm is the model built for that target.
export const variants = [
@variants_js@];
export const wasmUrl = variants[0].wasmUrl;
export const manifestUrl = new URL('./@first_target@/@name@.manifest.json', import.meta.url);

// opts are web/'s loadModel options (gpu, weights, log, ...); opts.wasm overrides the module
// source (one module, or an array of variants).
export function loadModel(opts = {}) {
  const { wasm = variants.map((v) => v.wasmUrl), ...options } = opts;
  return webtx.loadModel(wasm, options);
}
]=] @ONLY)
  else()
  file(CONFIGURE OUTPUT ${out}/${name}.js CONTENT [=[
// Generated by add_webgpu_model(@name@). Loads @name@.wasm, which sits next to this file,
// with the webtx JS runtime (the npm package; types in @name@.d.ts).
import * as webtx from '@js_runtime@';

export const wasmUrl = new URL('./@name@.wasm', import.meta.url);
export const manifestUrl = new URL('./@name@.manifest.json', import.meta.url);

// opts are web/'s loadModel options (gpu, weights, log, ...); opts.wasm overrides the module source.
export function loadModel(opts = {}) {
  const { wasm = wasmUrl, ...options } = opts;
  return webtx.loadModel(wasm, options);
}
]=] @ONLY)
  endif()

  add_custom_target(${name} ALL DEPENDS ${variant_files})
  set_target_properties(${name} PROPERTIES
    WEBTX_OUTPUT_DIR ${out} WEBTX_WASM ${wasm} WEBTX_MANIFEST ${manifest}
    WEBTX_LOADER ${out}/${name}.js WEBTX_TYPES ${dts} WEBTX_GENERATOR ${gen}
    WEBTX_TARGET "${ARG_TARGET}" WEBTX_PARAMS "${ARG_PARAMS}" WEBTX_VARIANTS "${variants}")
endfunction()
