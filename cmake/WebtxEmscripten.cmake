# Finds Debian's emcc and the environment it needs (NOTES.md: its optimizer requires `acorn`
# from /usr/share/nodejs, which Node 20 does not search by default).
include_guard(GLOBAL)
find_program(WEBTX_EMCC emcc DOC "Emscripten's emcc, used to build model .wasm files")
set(WEBTX_EMCC_NODE_PATH "/usr/share/nodejs" CACHE STRING "NODE_PATH for emcc ('' for none)")
if(WEBTX_EMCC)
  if(WEBTX_EMCC_NODE_PATH)
    set(WEBTX_EMCC_COMMAND ${CMAKE_COMMAND} -E env NODE_PATH=${WEBTX_EMCC_NODE_PATH} ${WEBTX_EMCC})
  else()
    set(WEBTX_EMCC_COMMAND ${WEBTX_EMCC})
  endif()
endif()
# Nothing in the runtime throws across the boundary; -O2 keeps the modules small.
set(WEBTX_EMCC_CXXFLAGS -O2 -std=c++20 -fno-exceptions -fno-rtti)
set(WEBTX_EMCC_LINKFLAGS -O2 -fno-exceptions --no-entry -sSTANDALONE_WASM
    -sERROR_ON_UNDEFINED_SYMBOLS=1)
