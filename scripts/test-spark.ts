// `npm run test:spark`: the Spark suite (tests/spark/*.test.ts): the models
// on Spark equal to DuckDB, and the Databricks client against a real Spark
// Thrift Server. Installs pyspark and dbt-spark into .venv first
// (requirements-spark.txt). One file at a time: each starts a Spark JVM,
// and two at once only slow each other down on a small machine.
//   npm run test:spark                  both files
//   npm run test:spark -- <pattern>     only files whose name contains <pattern>
import { ensurePythonEnv } from './setup/python-env.ts';
import { findTestFiles, runTestFiles, selectTestFiles } from './lib/test-files.ts';

ensurePythonEnv(['spark']);
const files = selectTestFiles(findTestFiles('tests/spark'), process.argv.slice(2), 'Spark test', 'name');
const started = Date.now();
const status = runTestFiles(files, 1, { ...process.env, TZ: 'UTC' });
process.stderr.write(`Spark suite: ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
process.exit(status);
