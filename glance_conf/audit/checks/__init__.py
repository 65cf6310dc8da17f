"""The built-in checks, one module per ID area (GC1xx, GC2xx...)."""
