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

set(_webtx_export_targets webtx webtx_compiler)
foreach(t webtx_codegen_host webtx_codegen_wgsl webtx_codegen_spirv webtx_generator
          webtx_generator_main)
  if(TARGET ${t})
    list(APPEND _webtx_export_targets ${t})
  endif()
endforeach()
foreach(backend wgsl spirv)
  if(TARGET webtx_codegen_${backend})
    set_target_properties(webtx_codegen_${backend} PROPERTIES EXPORT_NAME codegen_${backend})
  endif()
endforeach()
# The SPIR-V backend's public include directory is a plain source path; export it as the
# install include dir (same directory inside the build).
if(TARGET webtx_codegen_spirv)
  set_target_properties(webtx_codegen_spirv PROPERTIES INTERFACE_INCLUDE_DIRECTORIES
    "$<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/codegen/spirv/include>;$<INSTALL_INTERFACE:include>")
endif()

install(TARGETS ${_webtx_export_targets} EXPORT webtxTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT webtxTargets NAMESPACE webtx:: DESTINATION ${WEBTX_INSTALL_CMAKEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/webtx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
foreach(dir codegen/host codegen/wgsl codegen/spirv codegen/driver)
  if(EXISTS ${PROJECT_SOURCE_DIR}/${dir}/include/webtx)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/include/webtx
            DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endforeach()
if(EXISTS ${PROJECT_SOURCE_DIR}/web/src)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/src/ DESTINATION ${WEBTX_INSTALL_JSDIR})
endif()
install(FILES ${PROJECT_SOURCE_DIR}/cmake/WebtxModel.cmake
              ${PROJECT_SOURCE_DIR}/cmake/WebtxEmscripten.cmake
        DESTINATION ${WEBTX_INSTALL_CMAKEDIR})

set(WEBTX_HAS_SPIRV OFF)
if(TARGET webtx_codegen_spirv)
  set(WEBTX_HAS_SPIRV ON)
endif()
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/webtxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/webtxConfig.cmake INSTALL_DESTINATION ${WEBTX_INSTALL_CMAKEDIR}
  PATH_VARS WEBTX_INSTALL_WASMDIR WEBTX_INSTALL_JSDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/webtxConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/webtxConfig.cmake
              ${PROJECT_BINARY_DIR}/webtxConfigVersion.cmake
        DESTINATION ${WEBTX_INSTALL_CMAKEDIR})
