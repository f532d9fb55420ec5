# Finds Debian's emcc and the environment it needs (NOTES.md: its optimizer requires `acorn`
# from /usr/share/nodejs, which Node 20 does not search by default).
include_guard(GLOBAL)
find_program(WEBTX_EMCC emcc DOC "Emscripten's emcc, used to build model .wasm files")
set(WEBTX_EMCC_NODE_PATH "/usr/share/nodejs" CACHE STRING "NODE_PATH for emcc ('' for none)")
# Cache (internal) rather than plain variables: add_webgpu_model() may be called from a
# directory that never saw this file's scope (a project that add_subdirectory()s webtx).
if(WEBTX_EMCC AND WEBTX_EMCC_NODE_PATH)
  set(_cmd ${CMAKE_COMMAND} -E env NODE_PATH=${WEBTX_EMCC_NODE_PATH} ${WEBTX_EMCC})
else()
  set(_cmd ${WEBTX_EMCC})
endif()
set(WEBTX_EMCC_COMMAND "${_cmd}" CACHE INTERNAL "emcc with its environment")
# Nothing in the runtime throws across the boundary; -O2 keeps the modules small.
set(WEBTX_EMCC_CXXFLAGS -O2 -std=c++20 -fno-exceptions -fno-rtti CACHE INTERNAL "")
# Memory does not grow: tensors live in GPU buffers, linear memory holds only arguments (and
# growth would add an env.emscripten_notify_memory_growth import).
set(WEBTX_EMCC_LINKFLAGS -O2 -fno-exceptions --no-entry -sSTANDALONE_WASM
    -sERROR_ON_UNDEFINED_SYMBOLS=1 CACHE INTERNAL "")
