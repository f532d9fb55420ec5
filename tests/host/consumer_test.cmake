# CTest driver: builds tests/host/consumer as a separate project against webtx, either
# installed (MODE=package: installs BUILD_DIR into WORK/prefix first) or as a subdirectory
# (MODE=subdirectory), then runs its model with fake imports.
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
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${WORK}/prefix)
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build -DWEBTX_MODE=package
      -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_BUILD_TYPE=Release)
else()
  run(${CMAKE_COMMAND} -S ${consumer} -B ${WORK}/build -DWEBTX_MODE=subdirectory
      -DWEBTX_SOURCE_DIR=${SOURCE_DIR} -DCMAKE_BUILD_TYPE=Release)
endif()
run(${CMAKE_COMMAND} --build ${WORK}/build --target vadd -j2)
run(${NODE} ${consumer}/check.mjs ${WORK}/build/vadd)
