"""Runs dbt (the real dbt-core + dbt-spark, session mode) several times in one
Python process, so the whole night-by-night sequence shares one Spark JVM
instead of starting one per night, and exports Spark's tables to Parquet
for the comparison with DuckDB.

Commands arrive one JSON object per line on stdin; each gets one JSON reply
line on file descriptor 3 (stdout and stderr carry dbt's and Spark's logs):
  {"dbt": ["run", "--target", "spark", ...]}
      -> {"ok": bool, "results": [{"unique_id", "status", "message"}], "error"}
  {"export": {"tables": ["main.flow_events", ...], "dir": "/abs/dir"}}
      -> {"ok": true, "files": {"main.flow_events": "/abs/dir/main.flow_events"}}
"""
import json
import os
import sys
import traceback

from dbt.cli.main import dbtRunner


def run_dbt(args):
    res = dbtRunner().invoke(args)
    results = []
    for r in getattr(res.result, "results", None) or []:
        node = getattr(r, "node", None)
        results.append({
            "unique_id": getattr(node, "unique_id", None),
            "status": str(r.status),
            "message": r.message,
        })
    return {
        "ok": bool(res.success),
        "results": results,
        "error": None if res.exception is None else str(res.exception),
    }


def export(tables, out_dir):
    from pyspark import SparkContext
    from pyspark.sql import SparkSession

    # dbt ran its queries in worker threads, so this thread has no "active"
    # session; getOrCreate returns the one dbt-spark made (never a new one:
    # that would not have the profile's metastore and warehouse settings).
    if SparkContext._active_spark_context is None:
        raise RuntimeError("no Spark session: run dbt on the spark target first")
    spark = SparkSession.builder.getOrCreate()
    files = {}
    for table in tables:
        path = os.path.join(out_dir, table)
        # one file per table keeps the comparison's glob simple
        spark.table(table).coalesce(1).write.mode("overwrite").parquet(path)
        files[table] = path
    return {"ok": True, "files": files}


def main():
    replies = os.fdopen(3, "w")
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            if "dbt" in command:
                reply = run_dbt(command["dbt"])
            elif "export" in command:
                reply = export(command["export"]["tables"], command["export"]["dir"])
            else:
                reply = {"ok": False, "error": "unknown command: " + ", ".join(command)}
        except Exception:  # the test shows the whole story
            reply = {"ok": False, "error": traceback.format_exc()}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


if __name__ == "__main__":
    main()
