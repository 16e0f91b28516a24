"""A Prefect block holding the S3 connection for deployed flows (instead of AWS_* variables).

Register once: ``prefect block register -m flows.blocks``; create one in the UI or with
``IntakeS3(endpoint_url=..., access_key=..., secret_key=...).save("minio")``; pass
``s3_block="minio"`` to a flow.
"""

from __future__ import annotations

from prefect.blocks.core import Block
from pydantic import Field, SecretStr

from pipeline.storage import S3Settings


class IntakeS3(Block):
    """S3 / MinIO connection for intakeiq flows."""

    _block_type_name = "intakeiq S3"

    endpoint_url: str | None = Field(None, description="e.g. https://minio.internal:9000; empty for AWS S3")
    access_key: SecretStr | None = Field(None, description="Access key id")
    secret_key: SecretStr | None = Field(None, description="Secret access key")
    region: str = Field("us-east-1", description="Region")
    verify_tls: bool = Field(True, description="Check the server certificate")

    def settings(self) -> S3Settings:
        return S3Settings(endpoint_url=self.endpoint_url, access_key=self.access_key, secret_key=self.secret_key,
                          region=self.region, verify_tls=self.verify_tls)
