// db.hpp: the db layer in one include: Redis (and, next, PostgreSQL) on the loop.
#pragma once

#include "agentio/db/redis/client.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/connection.hpp"
#include "agentio/db/redis/errors.hpp"
#include "agentio/db/redis/options.hpp"
#include "agentio/db/redis/reply.hpp"
#include "agentio/db/redis/resp_parser.hpp"
#include "agentio/db/redis/scan.hpp"
#include "agentio/db/redis/stream.hpp"
#include "agentio/db/redis/subscriber.hpp"
