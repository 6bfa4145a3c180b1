"""The monitoring database (统计监测数据库): see :mod:`planeval.store.database`."""

from planeval.store.database import build_store, load_geography, query, read_store

__all__ = ["build_store", "load_geography", "query", "read_store"]
