# CTest driver: builds tests/host/consumer as a separate project against webtx, either
# installed (MODE=package: installs BUILD_DIR into WORK/installed, checks no installed file
# names the build or source tree, and moves the prefix to WORK/prefix before using it), from
# the build tree (MODE=buildtree: find_package with CMAKE_PREFIX_PATH=BUILD_DIR) or as a
# subdirectory (MODE=subdirectory), then runs its model with fake imports.
# cmake -DMODE=... -DSOURCE_DIR=<webtx src> -DBUILD_DIR=<webtx build> -DWORK=<dir> -DNODE=<node> -P
foreach(v MODE SOURCE_DIR BUILD_DIR WORK NODE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "consumer_test: -D${v}= is required")
  endif()
endforeach()
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "consumer_test: failed (${rc}): ${ARGV}")
  endif()
endfunction()

file(REMOVE_RECURSE ${WORK})
set(consumer ${SOURCE_DIR}/tests/host/consumer)
if(MODE STREQUAL "package")
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/installed)
  # Relocatable: no installed text file names where it was built or installed.
  file(GLOB_RECURSE installed ${WORK}/installed/*.cmake ${WORK}/installed/*.json
       ${WORK}/installed/*.js ${WORK}/installed/*.hpp ${WORK}/installed/*.h)
  foreach(f IN LISTS installed)
    file(READ ${f} text)
    foreach(dir ${BUILD_DIR} ${SOURCE_DIR} ${WORK})
      string(FIND "${text}" "${dir}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "consumer_test: installed ${f} names ${dir}")
      endif()
    endforeach()
  endforeach()
  file(RENAME ${WORK}/installed ${WORK}/prefix)
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build -DWEBTX_MODE=package
      -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_BUILD_TYPE=Release)
elseif(MODE STREQUAL "buildtree")
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build -DWEBTX_MODE=package
      -DCMAKE_PREFIX_PATH=${BUILD_DIR} -DCMAKE_BUILD_TYPE=Release)
else()
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build -DWEBTX_MODE=subdirectory
      -DWEBTX_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_BUILD_TYPE=Release)
endif()
run(${CMAKE_COMMAND} --build ${WORK}/build --target vadd -j2)
run(${NODE} ${consumer}/check.mjs ${WORK}/build/vadd)
if(NOT MODE STREQUAL "subdirectory")  # the version file accepts 0.1 (above) and refuses 9.0
  set(prefix ${WORK}/prefix)
  if(MODE STREQUAL "buildtree")
    set(prefix ${BUILD_DIR})
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build_v9 -DWEBTX_MODE=package
    -DWEBTX_VERSION_WANTED=9.0 -DCMAKE_PREFIX_PATH=${prefix}
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "webtx")
    message(FATAL_ERROR "consumer_test: find_package(webtx 9.0) did not fail naming webtx: ${err}")
  endif()
  # A malformed PARAMS entry is a configure error naming the model and the entry.
  execute_process(COMMAND ${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build_badparam
    -DWEBTX_MODE=package -DVADD_PARAMS=tile -DCMAKE_PREFIX_PATH=${prefix}
    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(rc EQUAL 0 OR NOT err MATCHES "add_webgpu_model\\(vadd\\): PARAMS entry 'tile' is not NAME=VALUE")
    message(FATAL_ERROR "consumer_test: PARAMS tile did not fail naming vadd and 'tile': ${err}")
  endif()
endif()
