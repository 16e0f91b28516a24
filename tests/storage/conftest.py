from tests.storage.fixtures import bucket, pg_url, s3_env, s3_server, stages  # noqa: F401
