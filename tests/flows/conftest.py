"""Flow tests: a Prefect test harness (a temporary Prefect server, started once per session),
a Dask LocalCluster with two workers, a moto S3 server process and the pipeline stages."""

import pytest

from tests.storage.fixtures import bucket, s3_env, s3_server, stages  # noqa: F401


@pytest.fixture(scope="session")
def prefect_api():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def dask_address():
    """Two in-process workers (threads): process workers would each import torch and the
    pipeline again, which costs more than these small batches take."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        yield cluster.scheduler_address
