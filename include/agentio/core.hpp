// core.hpp: the core layer in one include: the event loop, tasks, gather, task groups,
// timeouts, cancellation, synchronisation primitives and to_thread. Runtime internals
// (task nodes, the reactor, timer queue, frame allocator) are not part of it.
#pragma once

#include "agentio/core/as_completed.hpp"
#include "agentio/core/as_task.hpp"
#include "agentio/core/capture.hpp"
#include "agentio/core/condition.hpp"
#include "agentio/core/context.hpp"
#include "agentio/core/create_task.hpp"
#include "agentio/core/errors.hpp"
#include "agentio/core/event.hpp"
#include "agentio/core/event_loop.hpp"
#include "agentio/core/gather.hpp"
#include "agentio/core/lock.hpp"
#include "agentio/core/map_concurrent.hpp"
#include "agentio/core/outcome.hpp"
#include "agentio/core/queue.hpp"
#include "agentio/core/run.hpp"
#include "agentio/core/semaphore.hpp"
#include "agentio/core/shield.hpp"
#include "agentio/core/sleep.hpp"
#include "agentio/core/task.hpp"
#include "agentio/core/task_group.hpp"
#include "agentio/core/timeout.hpp"
#include "agentio/core/to_thread.hpp"
