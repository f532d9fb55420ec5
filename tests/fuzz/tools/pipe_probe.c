// pipe_probe: creates one Vulkan compute pipeline from each SPIR-V file given and prints, per file,
// "<file> <VkResult> <ms>" plus any driver debug messages and (where the driver offers
// VK_KHR_pipeline_executable_properties) its statistics, e.g. NVIDIA's local memory per thread.
// The descriptor set layout is read from the module itself (set 0: StorageBuffer variables ->
// storage buffers, Uniform variables -> uniform buffers), so any of our kernels or a hand-edited
// variant of one works. Used by the GPU probes of issue 12 (fuzz seed 8064 on NVIDIA); not built
// by CMake:  cc -O1 -Wno-missing-field-initializers -o pipe_probe pipe_probe.c -lvulkan
// PIPE_PROBE_FLAGS=<int> adds VkPipelineCreateFlags (e.g. 1 = DISABLE_OPTIMIZATION).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vulkan/vulkan.h>

static int g_messages = 0, g_armed = 0;  // armed once the device exists (no loader chatter)

static VKAPI_ATTR VkBool32 VKAPI_CALL on_message(VkDebugUtilsMessageSeverityFlagBitsEXT sev,
                                                 VkDebugUtilsMessageTypeFlagsEXT type,
                                                 const VkDebugUtilsMessengerCallbackDataEXT* d,
                                                 void* user) {
  (void)type, (void)user;
  if (g_armed && sev >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_INFO_BIT_EXT && g_messages < 50) {
    ++g_messages;
    printf("  driver message (severity %d): %s\n", (int)sev, d->pMessage ? d->pMessage : "");
  }
  return VK_FALSE;
}

static uint32_t* read_spv(const char* path, size_t* words) {
  FILE* f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint32_t* w = malloc((size_t)n + 4);
  if (fread(w, 1, (size_t)n, f) != (size_t)n) n = 0;
  fclose(f);
  *words = (size_t)n / 4;
  return w;
}

// Descriptor bindings of set 0, from OpDecorate Binding/DescriptorSet and OpVariable's class.
#define MAXID 200000
static int find_bindings(const uint32_t* w, size_t n, VkDescriptorSetLayoutBinding* out) {
  static int binding[MAXID], set[MAXID];
  memset(binding, -1, sizeof binding);
  memset(set, 0, sizeof set);
  int count = 0;
  for (size_t i = 5; i < n;) {
    uint32_t op = w[i] & 0xffff, len = w[i] >> 16;
    if (len == 0) break;
    if (op == 71 && len >= 4 && w[i + 1] < MAXID) {  // OpDecorate id decoration value
      if (w[i + 2] == 33) binding[w[i + 1]] = (int)w[i + 3];
      if (w[i + 2] == 34) set[w[i + 1]] = (int)w[i + 3];
    }
    if (op == 59 && len >= 4 && w[i + 2] < MAXID && binding[w[i + 2]] >= 0 &&
        set[w[i + 2]] == 0) {  // OpVariable type id class
      VkDescriptorSetLayoutBinding b = {
          (uint32_t)binding[w[i + 2]],
          w[i + 3] == 2 ? VK_DESCRIPTOR_TYPE_UNIFORM_BUFFER : VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1,
          VK_SHADER_STAGE_COMPUTE_BIT, NULL};
      out[count++] = b;
    }
    i += len;
  }
  return count;
}

static int has_ext(VkPhysicalDevice pd, const char* name) {
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(pd, NULL, &n, NULL);
  VkExtensionProperties* e = calloc(n, sizeof *e);
  vkEnumerateDeviceExtensionProperties(pd, NULL, &n, e);
  int found = 0;
  for (uint32_t i = 0; i < n; ++i) found |= strcmp(e[i].extensionName, name) == 0;
  free(e);
  return found;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: pipe_probe file.spv...\n");
    return 2;
  }
  VkApplicationInfo app = {VK_STRUCTURE_TYPE_APPLICATION_INFO};
  app.apiVersion = VK_API_VERSION_1_1;
  const char* iexts[] = {"VK_EXT_debug_utils"};
  VkInstanceCreateInfo ici = {VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO};
  ici.pApplicationInfo = &app;
  ici.enabledExtensionCount = 1;
  ici.ppEnabledExtensionNames = iexts;
  VkInstance inst;
  int debug = 1;
  if (vkCreateInstance(&ici, NULL, &inst) != VK_SUCCESS) {
    ici.enabledExtensionCount = 0, debug = 0;
    if (vkCreateInstance(&ici, NULL, &inst) != VK_SUCCESS)
      return fprintf(stderr, "no instance\n"), 3;
  }
  if (debug) {
    VkDebugUtilsMessengerCreateInfoEXT m = {
        VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT};
    m.messageSeverity = 0x1111, m.messageType = 0x7, m.pfnUserCallback = on_message;
    PFN_vkCreateDebugUtilsMessengerEXT f =
        (PFN_vkCreateDebugUtilsMessengerEXT)vkGetInstanceProcAddr(inst,
                                                                  "vkCreateDebugUtilsMessengerEXT");
    VkDebugUtilsMessengerEXT mess;
    if (f) f(inst, &m, NULL, &mess);
  }
  uint32_t npd = 8;
  VkPhysicalDevice pds[8];
  vkEnumeratePhysicalDevices(inst, &npd, pds);
  if (npd == 0) return fprintf(stderr, "no device\n"), 3;
  VkPhysicalDevice pd = pds[0];
  VkPhysicalDeviceProperties props;
  vkGetPhysicalDeviceProperties(pd, &props);
  printf("# device %s, driver %u, maxComputeSharedMemorySize %u\n", props.deviceName,
         props.driverVersion, props.limits.maxComputeSharedMemorySize);

  const int stats = has_ext(pd, "VK_KHR_pipeline_executable_properties");
  VkPhysicalDevicePipelineExecutablePropertiesFeaturesKHR pef = {
      VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PIPELINE_EXECUTABLE_PROPERTIES_FEATURES_KHR};
  pef.pipelineExecutableInfo = VK_TRUE;
  const char* dexts[] = {"VK_KHR_pipeline_executable_properties"};
  float prio = 1;
  VkDeviceQueueCreateInfo q = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  q.queueCount = 1, q.pQueuePriorities = &prio;  // family 0: graphics+compute on NVIDIA
  VkDeviceCreateInfo dci = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  dci.queueCreateInfoCount = 1, dci.pQueueCreateInfos = &q;
  if (stats) dci.pNext = &pef, dci.enabledExtensionCount = 1, dci.ppEnabledExtensionNames = dexts;
  VkDevice dev;
  if (vkCreateDevice(pd, &dci, NULL, &dev) != VK_SUCCESS) return fprintf(stderr, "no device\n"), 3;
  PFN_vkGetPipelineExecutablePropertiesKHR get_exe =
      (PFN_vkGetPipelineExecutablePropertiesKHR)vkGetDeviceProcAddr(
          dev, "vkGetPipelineExecutablePropertiesKHR");
  PFN_vkGetPipelineExecutableStatisticsKHR get_stats =
      (PFN_vkGetPipelineExecutableStatisticsKHR)vkGetDeviceProcAddr(
          dev, "vkGetPipelineExecutableStatisticsKHR");
  g_armed = 1;
  const VkPipelineCreateFlags extra =
      getenv("PIPE_PROBE_FLAGS") ? atoi(getenv("PIPE_PROBE_FLAGS")) : 0;

  int failed = 0;
  for (int a = 1; a < argc; ++a) {
    size_t words = 0;
    uint32_t* w = read_spv(argv[a], &words);
    if (!w || words < 5) {
      printf("%s unreadable\n", argv[a]);
      ++failed;
      continue;
    }
    VkDescriptorSetLayoutBinding b[64];
    int nb = find_bindings(w, words, b);
    VkDescriptorSetLayoutCreateInfo dl = {VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
    dl.bindingCount = (uint32_t)nb, dl.pBindings = b;
    VkDescriptorSetLayout sl;
    vkCreateDescriptorSetLayout(dev, &dl, NULL, &sl);
    VkPipelineLayoutCreateInfo pl = {VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
    pl.setLayoutCount = 1, pl.pSetLayouts = &sl;
    VkPipelineLayout layout;
    vkCreatePipelineLayout(dev, &pl, NULL, &layout);
    VkShaderModuleCreateInfo sm = {VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
    sm.codeSize = words * 4, sm.pCode = w;
    VkShaderModule mod;
    VkResult r = vkCreateShaderModule(dev, &sm, NULL, &mod);
    if (r != VK_SUCCESS) {
      printf("%s module %d\n", argv[a], (int)r);
      ++failed;
      continue;
    }
    for (int pass = 0; pass < (stats ? 2 : 1); ++pass) {
      VkComputePipelineCreateInfo c = {VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
      c.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
      c.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT, c.stage.module = mod, c.stage.pName = "main";
      c.layout = layout;
      c.flags = extra | (pass ? VK_PIPELINE_CREATE_CAPTURE_STATISTICS_BIT_KHR : 0);
      VkPipeline p;
      double t = now_ms();
      r = vkCreateComputePipelines(dev, VK_NULL_HANDLE, 1, &c, NULL, &p);
      t = now_ms() - t;
      if (pass == 0) {
        printf("%s %d %.0f ms (%d bindings)\n", argv[a], (int)r, t, nb);
        failed += r != VK_SUCCESS;
      }
      if (r != VK_SUCCESS) break;
      if (pass == 1 && get_exe && get_stats) {
        VkPipelineInfoKHR pi = {VK_STRUCTURE_TYPE_PIPELINE_INFO_KHR};
        pi.pipeline = p;
        uint32_t ne = 0;
        get_exe(dev, &pi, &ne, NULL);
        for (uint32_t e = 0; e < ne; ++e) {
          VkPipelineExecutableInfoKHR ei = {VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_INFO_KHR};
          ei.pipeline = p, ei.executableIndex = e;
          VkPipelineExecutableStatisticKHR s[32];
          uint32_t ns = 32;
          for (uint32_t i = 0; i < ns; ++i)
            s[i].sType = VK_STRUCTURE_TYPE_PIPELINE_EXECUTABLE_STATISTIC_KHR, s[i].pNext = NULL;
          get_stats(dev, &ei, &ns, s);
          printf("  stats:");
          for (uint32_t i = 0; i < ns; ++i) {
            long long v = s[i].format == VK_PIPELINE_EXECUTABLE_STATISTIC_FORMAT_FLOAT64_KHR
                              ? (long long)s[i].value.f64
                              : (long long)s[i].value.u64;
            printf(" %s=%lld;", s[i].name, v);
          }
          printf("\n");
        }
      }
      vkDestroyPipeline(dev, p, NULL);
    }
    vkDestroyShaderModule(dev, mod, NULL);
    vkDestroyPipelineLayout(dev, layout, NULL);
    vkDestroyDescriptorSetLayout(dev, sl, NULL);
    free(w);
  }
  vkDestroyDevice(dev, NULL);
  vkDestroyInstance(inst, NULL);
  return failed ? 1 : 0;
}
