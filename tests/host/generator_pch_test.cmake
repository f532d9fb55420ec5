# CTest driver: every generator compile that add_webgpu_model() / webtx_generator_sources() set
# up with the shared precompiled <webtx/generator.hpp> really uses it. GCC silently parses the
# header again when a generator's flags stop matching the .gch (only -Winvalid-pch says so),
# which triples the generator's compile time; this runs each such command from
# compile_commands.json with -H (GCC marks a used .gch with "!", a rejected one with "x").
# cmake -DCOMPILE_COMMANDS=<build>/compile_commands.json -DREQUIRED=<src1>|<src2>... -P
cmake_minimum_required(VERSION 3.25)
foreach(v COMPILE_COMMANDS REQUIRED)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "generator_pch_test: -D${v}= is required")
  endif()
endforeach()
file(READ ${COMPILE_COMMANDS} json)
string(JSON n LENGTH "${json}")
math(EXPR last "${n} - 1")
set(checked "")
foreach(i RANGE ${last})
  string(JSON cmd GET "${json}" ${i} command)
  string(JSON dir GET "${json}" ${i} directory)
  string(JSON file GET "${json}" ${i} file)
  # Generator sources only: those force-including the PCH, not the PCH's own compiles.
  if(NOT cmd MATCHES "-include [^ ]*cmake_pch\\.hxx" OR cmd MATCHES "c\\+\\+-header"
     OR file MATCHES "webtx_generator_pch\\.cpp$")
    continue()
  endif()
  if(NOT cmd MATCHES " -O0 ")
    message(FATAL_ERROR "generator_pch_test: ${file} is not compiled at -O0: ${cmd}")
  endif()
  separate_arguments(args UNIX_COMMAND "${cmd}")
  list(FIND args "-o" o)
  list(REMOVE_AT args ${o})
  list(REMOVE_AT args ${o})  # the object file
  execute_process(COMMAND ${args} -fsyntax-only -H WORKING_DIRECTORY ${dir}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "generator_pch_test: compiling ${file} failed (${rc}):\n${err}")
  endif()
  if(NOT err MATCHES "(^|\n)! [^\n]*cmake_pch\\.hxx\\.gch")
    string(REGEX MATCHALL "(^|\n)x [^\n]*" rejected "${err}")
    message(FATAL_ERROR "generator_pch_test: ${file} does not use the precompiled header "
                        "(rejected: ${rejected}); its flags differ from webtx_generator_pch's")
  endif()
  list(APPEND checked ${file})
endforeach()
string(REPLACE "|" ";" required "${REQUIRED}")
foreach(r IN LISTS required)
  if(NOT r IN_LIST checked)
    message(FATAL_ERROR "generator_pch_test: ${r} is not compiled with the precompiled header")
  endif()
endforeach()
list(LENGTH checked count)
message(STATUS "generator_pch_test: ${count} generator sources use the precompiled header")
