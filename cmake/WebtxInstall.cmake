# Install and export rules: an installed webtx (or its build tree) is used with
# find_package(webtx), which brings the imported targets webtx::webtx (linking
# webtx::compiler), webtx::generator, webtx::generator_main, the backends and
# add_webgpu_model(). docs/install.md is the user's page for this.
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
# The npm package: package.json (its version is the project's, checked in web/) and src/.
install(FILES ${PROJECT_SOURCE_DIR}/web/package.json DESTINATION ${WEBTX_INSTALL_JSDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/web/src/ DESTINATION ${WEBTX_INSTALL_JSDIR}/src)
install(FILES ${PROJECT_SOURCE_DIR}/cmake/WebtxModel.cmake
              ${PROJECT_SOURCE_DIR}/cmake/WebtxEmscripten.cmake
        DESTINATION ${WEBTX_INSTALL_CMAKEDIR})

# The config file for the install prefix: every path relative to its own location.
set(WEBTX_CONFIG_RUNTIME_OBJECT "\${PACKAGE_PREFIX_DIR}/${WEBTX_INSTALL_WASMDIR}/webtx_runtime.o")
set(WEBTX_CONFIG_IMPORTS_JS "\${PACKAGE_PREFIX_DIR}/${WEBTX_INSTALL_WASMDIR}/imports.js")
set(WEBTX_CONFIG_JS_PACKAGE_DIR "\${PACKAGE_PREFIX_DIR}/${WEBTX_INSTALL_JSDIR}")
set(WEBTX_CONFIG_CMAKE_DIR "\${CMAKE_CURRENT_LIST_DIR}")
set(WEBTX_CONFIG_BUILD_TREE_DEPS "")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/webtxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/install-config/webtxConfig.cmake
  INSTALL_DESTINATION ${WEBTX_INSTALL_CMAKEDIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/webtxConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install-config/webtxConfig.cmake
              ${PROJECT_BINARY_DIR}/webtxConfigVersion.cmake
        DESTINATION ${WEBTX_INSTALL_CMAKEDIR})

# The same package straight from the build tree (find_package(webtx) with
# CMAKE_PREFIX_PATH or webtx_DIR = <build>): targets exported in place, the wasm runtime as
# built, the JS package and add_webgpu_model() from the source tree.
export(EXPORT webtxTargets NAMESPACE webtx:: FILE ${PROJECT_BINARY_DIR}/webtxTargets.cmake)
get_property(WEBTX_CONFIG_RUNTIME_OBJECT GLOBAL PROPERTY WEBTX_WASM_RUNTIME_OBJECT)
get_property(WEBTX_CONFIG_IMPORTS_JS GLOBAL PROPERTY WEBTX_WASM_IMPORTS_JS)
set(WEBTX_CONFIG_JS_PACKAGE_DIR ${PROJECT_SOURCE_DIR}/web)
set(WEBTX_CONFIG_CMAKE_DIR ${PROJECT_SOURCE_DIR}/cmake)
# Static libraries' private links are part of the exported link interface in the build tree
# (webtx_model's $<BUILD_INTERFACE:nlohmann_json>), so the build tree's config finds them too.
set(WEBTX_CONFIG_BUILD_TREE_DEPS "find_dependency(nlohmann_json 3)")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/webtxConfig.cmake.in
  ${PROJECT_BINARY_DIR}/webtxConfig.cmake INSTALL_DESTINATION ${PROJECT_BINARY_DIR}
  INSTALL_PREFIX ${PROJECT_BINARY_DIR})
