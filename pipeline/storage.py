"""Storage adapters: where packets come from and where reports go.

Two kinds of location, one interface:

- a local path (or ``file://`` URI): a file is one packet; a folder holds packets, each child
  file is a packet and each child folder is a folder packet (CONTRACT section 1);
- ``s3://bucket/prefix`` through the S3 API (MinIO in production), with the same rules: each
  object directly under the prefix is a packet and each sub-prefix is a folder packet.

A packet keeps its identity from the moment it is listed: its URI plus a content tag (sha256 of
the bytes for local files, the ETag for objects; a digest over the members for folders). The
object's last-modified time travels with it and becomes the local file's mtime when fetched, so
``load`` can use it as the received-at fallback.

Archiving (inbox mode) moves a source to ``processed/`` or ``failed/`` and is only ever called
after the report was written and verified; a move is copy + verify + delete, never delete first.
"""

from __future__ import annotations

import hashlib
import io
import logging
import mimetypes
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from typing import Literal, Protocol
from urllib.parse import urlparse

from pydantic import Field as PydField, SecretStr

from pipeline.errors import IntakeError
from pipeline.load import file_sha256
from pipeline.model import Model

log = logging.getLogger("intakeiq.storage")

RESERVED_NAMES = ("processed", "failed")
ArchiveTarget = Literal["processed", "failed"]


# --------------------------------------------------------------------------- settings


class S3Settings(Model):
    """How to reach the S3 API. Built from the standard AWS variables or a Prefect block."""

    endpoint_url: str | None = PydField(None, description="e.g. http://minio:9000; None means AWS S3")
    access_key: SecretStr | None = PydField(None, description="AWS_ACCESS_KEY_ID")
    secret_key: SecretStr | None = PydField(None, description="AWS_SECRET_ACCESS_KEY")
    region: str = PydField("us-east-1", description="AWS_REGION; also saves a bucket-location call")
    verify_tls: bool = PydField(True, description="Check the server certificate on https endpoints")
    connect_timeout: float = PydField(5.0, description="Seconds to open a connection")
    read_timeout: float = PydField(60.0, description="Seconds to wait for a response")
    retries: int = PydField(2, description="Client-level retries on connection errors and 5xx")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> "S3Settings":
        env = os.environ if environ is None else environ
        return cls(
            endpoint_url=env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL") or None,
            access_key=env.get("AWS_ACCESS_KEY_ID") or None,
            secret_key=env.get("AWS_SECRET_ACCESS_KEY") or None,
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            verify_tls=env.get("INTAKEIQ_S3_VERIFY_TLS", "1").lower() not in ("0", "false", "no"),
        )

    def client(self):
        """A configured ``minio.Minio`` client (thread-safe; one per process is enough)."""
        import urllib3
        from minio import Minio

        url = urlparse(self.endpoint_url or "https://s3.amazonaws.com")
        if url.scheme not in ("http", "https") or not url.netloc:
            raise IntakeError("E_S3_ENDPOINT", f"endpoint URL {self.endpoint_url!r} is not http(s)://host[:port]; "
                              "set AWS_ENDPOINT_URL like http://127.0.0.1:9000")
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=self.connect_timeout, read=self.read_timeout),
            maxsize=16,
            cert_reqs="CERT_REQUIRED" if self.verify_tls else "CERT_NONE",
            retries=urllib3.Retry(total=self.retries, backoff_factor=0.5,
                                  status_forcelist=[500, 502, 503, 504]),
        )
        secret = lambda s: s.get_secret_value() if s is not None else None  # noqa: E731
        return Minio(url.netloc, access_key=secret(self.access_key), secret_key=secret(self.secret_key),
                     region=self.region, secure=url.scheme == "https", http_client=http,
                     cert_check=self.verify_tls)


# --------------------------------------------------------------------------- locations and refs


class Location(Model):
    scheme: Literal["file", "s3"]
    bucket: str | None = None
    prefix: str = PydField("", description="Object key prefix (s3) or absolute path (file)")

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}" if self.scheme == "s3" else self.prefix


def parse_location(uri: str | Path) -> Location:
    """``s3://bucket/prefix``, ``file:///path`` or a plain path."""
    text = str(uri)
    if text.startswith("s3://"):
        parsed = urlparse(text)
        if not 3 <= len(parsed.netloc) <= 63:
            raise IntakeError("E_S3_URI", f"{text!r}: the bucket name must be 3 to 63 characters; "
                              "write s3://bucket/prefix")
        return Location(scheme="s3", bucket=parsed.netloc, prefix=parsed.path.lstrip("/"))
    if text.startswith("file://"):
        text = urlparse(text).path
    elif "://" in text:
        raise IntakeError("E_URI_SCHEME", f"{text!r}: only local paths, file:// and s3:// are supported")
    return Location(scheme="file", prefix=str(Path(text).resolve()))


class Member(Model):
    """One file of a packet, named relative to the packet (a folder packet's inner path)."""

    name: str
    size: int
    tag: str = PydField(description="sha256 (local) or ETag (object) of the file")
    modified_at: datetime | None = None


class PacketRef(Model):
    """A packet as listed, before it is fetched: enough to claim, fetch and archive it."""

    packet_id: str
    uri: str = PydField(description="Where the packet lives: s3://bucket/key or a local path")
    name: str = PydField(description="File or folder name under the listed root")
    kind: Literal["file", "folder"]
    members: list[Member]
    content_tag: str = PydField(description="Digest over the members' tags")
    modified_at: datetime | None = PydField(None, description="Newest member's last-modified time")

    @property
    def identity(self) -> str:
        """What the results store keys on: the same bytes at the same place are one packet."""
        return f"{self.uri}#{self.content_tag}"


class Fetched(Model):
    """A packet made readable on this machine: a local path, or the objects' bytes."""

    ref: PacketRef
    local_path: str | None = PydField(None, description="Set for local sources (read in place)")
    blobs: dict[str, bytes] = PydField({}, description="Member name -> bytes, for object sources")

    def materialize(self, workdir: Path) -> Path:
        """A local path for ``load_packet``: the source itself, or files written under workdir."""
        if self.local_path is not None:
            return Path(self.local_path)
        root = workdir / self.ref.name if self.ref.kind == "folder" else workdir
        for member in self.ref.members:
            target = root / member.name if self.ref.kind == "folder" else workdir / self.ref.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(self.blobs[member.name])
            if member.modified_at is not None:
                stamp = member.modified_at.timestamp()
                os.utime(target, (stamp, stamp))
        return workdir / self.ref.name


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("".join(f"{line}\n" for line in lines).encode()).hexdigest()


MANIFEST_NAME = "manifest.json"


def _is_hidden(name: str) -> bool:
    return name.startswith((".", "~$"))  # the same rule as pipeline.load


# --------------------------------------------------------------------------- interfaces


class Source(Protocol):
    location: Location

    def list_packets(self, exclude_reserved: bool = False) -> list[PacketRef]: ...

    def fetch(self, ref: PacketRef) -> Fetched: ...

    def archive(self, ref: PacketRef, target: ArchiveTarget) -> str: ...


class Sink(Protocol):
    location: Location

    def write(self, name: str, data: bytes) -> str: ...

    def read(self, name: str) -> bytes | None: ...

    def exists(self, name: str) -> bool: ...


# --------------------------------------------------------------------------- local


class LocalSource:
    """A local file (one packet) or folder of packets. ``archive`` moves within the folder."""

    def __init__(self, location: Location):
        self.location = location
        self.root = Path(location.prefix)

    def list_packets(self, exclude_reserved: bool = False) -> list[PacketRef]:
        from pipeline.load import discover

        return [self._ref(path) for path in discover(self.root)
                if not (exclude_reserved and path.parent == self.root and path.name in RESERVED_NAMES)]

    def _ref(self, path: Path) -> PacketRef:
        if path.is_file():
            files = [(path.name, path)]
        else:
            # the files load_packet reads (direct children) plus the manifest
            files = [(p.name, p) for p in sorted(path.iterdir()) if p.is_file() and not _is_hidden(p.name)]
        members = []
        for name, file in files:
            stat = file.stat()
            members.append(Member(name=name, size=stat.st_size, tag=file_sha256(file),
                                  modified_at=datetime.fromtimestamp(stat.st_mtime, timezone.utc)))
        tag = members[0].tag if path.is_file() else _digest([f"{m.name}:{m.tag}" for m in members])
        return PacketRef(packet_id=path.stem if path.is_file() else path.name, uri=str(path), name=path.name,
                         kind="file" if path.is_file() else "folder", members=members, content_tag=tag,
                         modified_at=max((m.modified_at for m in members if m.modified_at), default=None))

    def fetch(self, ref: PacketRef) -> Fetched:
        return Fetched(ref=ref, local_path=ref.uri)

    def archive(self, ref: PacketRef, target: ArchiveTarget) -> str:
        """Move the packet into ``<root>/<target>/``; a different file already there is kept."""
        source = Path(ref.uri)
        dest_dir = (self.root if self.root.is_dir() else self.root.parent) / target
        dest_dir.mkdir(parents=True, exist_ok=True)
        dest = dest_dir / ref.name
        if not source.exists():
            if dest.exists():
                return str(dest)  # moved by an earlier attempt
            raise IntakeError("E_SOURCE_GONE", f"{source} vanished before it could be archived")
        if dest.exists() and (dest.is_dir() or file_sha256(dest) != ref.content_tag):
            dest = dest_dir / f"{Path(ref.name).stem}.{ref.content_tag[:12]}{Path(ref.name).suffix}"
            if dest.is_dir():
                shutil.rmtree(dest)  # an identical folder packet archived before
        try:
            os.replace(source, dest)  # atomic on one file system; the source is never copied then lost
        except FileNotFoundError:
            if source.exists():
                raise
            return str(dest)  # a concurrent run moved it first
        return str(dest)


class LocalSink:
    """Writes files under a folder, atomically and durably (temp file, fsync, rename)."""

    def __init__(self, location: Location):
        self.location = location
        self.root = Path(location.prefix)

    def write(self, name: str, data: bytes) -> str:
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if target.stat().st_size != len(data):
            raise IntakeError("E_WRITE_VERIFY", f"{target} has {target.stat().st_size} bytes after writing "
                              f"{len(data)}; check the disk")
        return str(target)

    def read(self, name: str) -> bytes | None:
        path = self.root / name
        return path.read_bytes() if path.is_file() else None

    def exists(self, name: str) -> bool:
        path = self.root / name
        return path.is_file() and path.stat().st_size > 0


# --------------------------------------------------------------------------- S3


class S3Source:
    """Packets under ``s3://bucket/prefix``: objects are file packets, sub-prefixes folder packets."""

    def __init__(self, location: Location, settings: S3Settings, client=None):
        self.location = location
        self.settings = settings
        self.client = client or settings.client()
        self.bucket = location.bucket or ""

    def _base(self) -> str:
        prefix = self.location.prefix
        return prefix if prefix == "" or prefix.endswith("/") else prefix + "/"

    def list_packets(self, exclude_reserved: bool = False) -> list[PacketRef]:
        prefix = self.location.prefix
        if prefix and not prefix.endswith("/"):
            single = self._stat(prefix)
            if single is not None:
                parent, name = prefix.rsplit("/", 1) if "/" in prefix else ("", prefix)
                return [self._ref(name, "file", [self._member(name, single)],
                                  base=f"{parent}/" if parent else "")]
        base = self._base()
        if self._stat(f"{base}{MANIFEST_NAME}") is not None:  # the prefix is itself one folder packet
            parent, _, name = base.rstrip("/").rpartition("/")
            members = [self._member(obj.object_name[len(base):], obj)
                       for obj in self.client.list_objects(self.bucket, prefix=base)
                       if not obj.is_dir and not _is_hidden(obj.object_name[len(base):])]
            return [self._ref(name, "folder", members, f"{parent}/" if parent else "")]
        groups: dict[str, list[Member]] = {}
        singles: dict[str, Member] = {}
        for obj in self.client.list_objects(self.bucket, prefix=base, recursive=True):
            rel = obj.object_name[len(base):]
            if not rel or rel.endswith("/"):
                continue  # "directory" marker objects
            head, _, rest = rel.partition("/")
            if _is_hidden(head) or (exclude_reserved and rest and head in RESERVED_NAMES):
                continue
            if rest:
                if "/" in rest or _is_hidden(rest):
                    continue  # load_packet reads a folder packet's direct files only
                groups.setdefault(head, []).append(self._member(rest, obj))
            else:
                singles[head] = self._member(head, obj)
        refs = [self._ref(name, "file", [m], base) for name, m in singles.items()]
        refs += [self._ref(name, "folder", sorted(ms, key=lambda m: m.name), base) for name, ms in groups.items()]
        return sorted(refs, key=lambda r: r.name)

    def _stat(self, key: str):
        from minio.error import S3Error

        try:
            return self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NotFound", "ResourceNotFound"):
                return None
            raise

    @staticmethod
    def _member(name: str, obj) -> Member:
        return Member(name=name, size=obj.size or 0, tag=(obj.etag or "").strip('"'), modified_at=obj.last_modified)

    def _ref(self, name: str, kind: str, members: list[Member], base: str) -> PacketRef:
        tag = members[0].tag if kind == "file" else _digest([f"{m.name}:{m.tag}" for m in members])
        return PacketRef(packet_id=PurePosixPath(name).stem if kind == "file" else name,
                         uri=f"s3://{self.bucket}/{base}{name}", name=name, kind=kind, members=members,
                         content_tag=tag,
                         modified_at=max((m.modified_at for m in members if m.modified_at), default=None))

    def _key(self, ref: PacketRef, member: Member) -> str:
        key = ref.uri[len(f"s3://{self.bucket}/"):]
        return f"{key}/{member.name}" if ref.kind == "folder" else key

    def fetch(self, ref: PacketRef) -> Fetched:
        blobs = {}
        for member in ref.members:
            response = self.client.get_object(self.bucket, self._key(ref, member))
            try:
                data = response.read()
            finally:
                response.close()
                response.release_conn()
            if len(data) != member.size:
                raise IntakeError("E_FETCH_SHORT", f"{ref.uri}/{member.name}: got {len(data)} of {member.size} bytes")
            blobs[member.name] = data
        return Fetched(ref=ref, blobs=blobs)

    def archive(self, ref: PacketRef, target: ArchiveTarget) -> str:
        """Copy each member to ``<root>/<target>/``, verify the copy, then delete the source.

        Safe to repeat: a member whose source is gone but whose copy exists counts as moved.
        """
        from minio.commonconfig import CopySource

        base = self._base()
        root_key = ref.uri[len(f"s3://{self.bucket}/"):]
        dest_root = f"{base}{target}/{ref.name}"
        if ref.kind == "file":
            existing = self._stat(dest_root)
            if existing is not None and existing.etag.strip('"') != ref.content_tag and self._stat(root_key):
                stem, suffix = PurePosixPath(ref.name).stem, PurePosixPath(ref.name).suffix
                dest_root = f"{base}{target}/{stem}.{ref.content_tag[:12]}{suffix}"
        for member in ref.members:
            src = self._key(ref, member)
            dest = f"{dest_root}/{member.name}" if ref.kind == "folder" else dest_root
            src_stat = self._stat(src)
            if src_stat is None:
                if self._stat(dest) is None:
                    raise IntakeError("E_SOURCE_GONE", f"s3://{self.bucket}/{src} is gone and no copy is at {dest}")
                continue  # moved by an earlier attempt
            self.client.copy_object(self.bucket, dest, CopySource(self.bucket, src))
            copied = self._stat(dest)
            if copied is None or copied.size != src_stat.size:
                raise IntakeError("E_ARCHIVE_VERIFY", f"copy of s3://{self.bucket}/{src} to {dest} did not verify")
            self.client.remove_object(self.bucket, src)
        return f"s3://{self.bucket}/{dest_root}"


class S3Sink:
    """Writes objects under ``s3://bucket/prefix/`` and verifies each by a HEAD request."""

    def __init__(self, location: Location, settings: S3Settings, client=None):
        self.location = location
        self.client = client or settings.client()
        self.bucket = location.bucket or ""
        prefix = location.prefix
        self.base = prefix if prefix == "" or prefix.endswith("/") else prefix + "/"

    def write(self, name: str, data: bytes) -> str:
        key = f"{self.base}{name}"
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        result = self.client.put_object(self.bucket, key, io.BytesIO(data), len(data), content_type=content_type)
        stat = self.client.stat_object(self.bucket, key)
        md5 = hashlib.md5(data).hexdigest()  # noqa: S324 - the S3 ETag of a single-part upload
        if stat.size != len(data) or (stat.etag or "").strip('"') not in (md5, (result.etag or "").strip('"')):
            raise IntakeError("E_WRITE_VERIFY", f"s3://{self.bucket}/{key} did not verify after upload; retry")
        return f"s3://{self.bucket}/{key}"

    def read(self, name: str) -> bytes | None:
        from minio.error import S3Error

        try:
            response = self.client.get_object(self.bucket, f"{self.base}{name}")
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NotFound"):
                return None
            raise
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def exists(self, name: str) -> bool:
        from minio.error import S3Error

        try:
            return (self.client.stat_object(self.bucket, f"{self.base}{name}").size or 0) > 0
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NotFound"):
                return False
            raise


# --------------------------------------------------------------------------- factories


def open_source(uri: str | Path, s3: S3Settings | None = None) -> Source:
    location = parse_location(uri)
    if location.scheme == "s3":
        return S3Source(location, s3 or S3Settings.from_env())
    return LocalSource(location)


def open_sink(uri: str | Path, s3: S3Settings | None = None) -> Sink:
    location = parse_location(uri)
    if location.scheme == "s3":
        return S3Sink(location, s3 or S3Settings.from_env())
    return LocalSink(location)
