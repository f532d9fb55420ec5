# The in-process convenience above the native runtime (vk_program.hpp): used by the SPIR-V tests
# and the native benchmarks, so it is defined once here and included by both.
include_guard(GLOBAL)
add_library(webtx_vk_program STATIC ${CMAKE_CURRENT_LIST_DIR}/vk_program.cpp)
target_include_directories(webtx_vk_program PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(webtx_vk_program PUBLIC webtx::runtime_vulkan webtx::generator)
