"""Tools for auditors and inspectors: `tdkt audit verify`, `replay`, `export`, `verify-bundle`.

`audit.replay` and `audit.bundlecheck` stand apart from the services: they read only published
events, their JSON Schemas (docs/contracts/) and the services' HTTP answers, and import nothing
from `services` or `shared` (a test checks it), so an outside party can run them as they are.
"""
