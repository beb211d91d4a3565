"""Reference data shared by the services (organisation units), loaded from packaged YAML files."""
