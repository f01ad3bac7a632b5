// db.hpp: the db layer in one include: PostgreSQL and Redis on the loop.
#pragma once

#include "agentio/db/pg/connection.hpp"
#include "agentio/db/pg/errors.hpp"
#include "agentio/db/pg/params.hpp"
#include "agentio/db/pg/rows.hpp"
#include "agentio/db/redis/client.hpp"
#include "agentio/db/redis/command.hpp"
#include "agentio/db/redis/connection.hpp"
#include "agentio/db/redis/errors.hpp"
#include "agentio/db/redis/options.hpp"
#include "agentio/db/redis/rate_budget.hpp"
#include "agentio/db/redis/reply.hpp"
#include "agentio/db/redis/resp_parser.hpp"
#include "agentio/db/redis/scan.hpp"
#include "agentio/db/redis/stream.hpp"
#include "agentio/db/redis/subscriber.hpp"
