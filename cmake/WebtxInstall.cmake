# Install and export rules: an installed webtx is used with find_package(webtx), which brings
# the imported targets webtx::webtx (linking webtx::compiler), webtx::generator,
# webtx::generator_main, the backends and
# add_webgpu_model().
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(WEBTX_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/webtx)
set(WEBTX_INSTALL_WASMDIR ${CMAKE_INSTALL_LIBDIR}/webtx/wasm)
set(WEBTX_INSTALL_JSDIR ${CMAKE_INSTALL_DATADIR}/webtx/web)

get_property(_webtx_backends GLOBAL PROPERTY WEBTX_KERNEL_BACKENDS)
set(_webtx_export_targets webtx webtx_compiler webtx_model webtx_codegen_backend
    webtx_codegen_host webtx_generator webtx_generator_main)
foreach(backend IN LISTS _webtx_backends)
  list(APPEND _webtx_export_targets webtx_codegen_${backend})
  set_target_properties(webtx_codegen_${backend} PROPERTIES EXPORT_NAME codegen_${backend})
endforeach()
install(TARGETS ${_webtx_export_targets} EXPORT webtxTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT webtxTargets NAMESPACE webtx:: DESTINATION ${WEBTX_INSTALL_CMAKEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/webtx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir host ${_webtx_backends} driver)
  if(IS_DIRECTORY ${PROJECT_SOURCE_DIR}/codegen/${dir}/include/webtx)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/codegen/${dir}/include/webtx
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/src/ DESTINATION ${WEBTX_INSTALL_JSDIR})
install(FILES ${PROJECT_SOURCE_DIR}/cmake/WebtxModel.cmake
              ${PROJECT_SOURCE_DIR}/cmake/WebtxEmscripten.cmake
        DESTINATION ${WEBTX_INSTALL_CMAKEDIR})

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/webtxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/webtxConfig.cmake INSTALL_DESTINATION ${WEBTX_INSTALL_CMAKEDIR}
  PATH_VARS WEBTX_INSTALL_WASMDIR WEBTX_INSTALL_JSDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/webtxConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/webtxConfig.cmake
              ${PROJECT_BINARY_DIR}/webtxConfigVersion.cmake
        DESTINATION ${WEBTX_INSTALL_CMAKEDIR})
