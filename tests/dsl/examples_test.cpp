// placeholder until examples/ops exist
#include <gtest/gtest.h>
