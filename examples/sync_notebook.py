# %% [markdown]
# # formance_orch in a notebook, synchronously
#
# A notebook cell already runs inside an event loop, so ``asyncio.run(...)``
# fails there ("cannot be called from a running event loop"). ``SyncSDK``
# works: its calls run on a loop of their own, in a background thread, and
# return plain ``Result`` values. (A notebook also accepts top-level
# ``await``, so the async ``SDK`` works too: use whichever you prefer.)
#
# Open it as a notebook with jupytext, or copy the cells. It reads
# ``FORMANCE_SERVER_URL``, ``FORMANCE_CLIENT_ID`` and ``FORMANCE_CLIENT_SECRET``.

# %%
import os

from formance_orch import Err, Ok, Security, SyncSDK
from formance_orch.sync import paginate

sdk = SyncSDK(
    server_url=os.environ.get("FORMANCE_SERVER_URL", "http://localhost:8080"),
    security=Security(
        client_id=os.environ.get("FORMANCE_CLIENT_ID", ""),
        client_secret=os.environ.get("FORMANCE_CLIENT_SECRET", ""),
    ),
)

# %% Running instances, a page at a time: no await, and the client is reused by every cell.
match sdk.orchestration.v2.list_instances(running=True, page_size=20):
    case Ok(value=page):
        running = [(instance.id, instance.workflow_id) for instance in page.data]
    case Err(error=error):
        running = []
        print(f"listing failed: {error}")
running  # noqa: B018 - a cell shows its last value

# %% Every workflow, across pages (stop the cell with the interrupt button: the call is cancelled).
names = {
    workflow.id: workflow.config.name for workflow in paginate(sdk.orchestration.v2.list_workflows)
}
names  # noqa: B018 - a cell shows its last value

# %% When you are done (a kernel restart also ends the client's thread).
sdk.close()
