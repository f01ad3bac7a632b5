#include <agentio/agentio.hpp>
#include <gtest/gtest.h>
