"""What every REST API endpoint shares (docs/api.md): token authentication, the pages' roles
per method, the error body, throttling, pagination, ETags. Resources live in `<app>/api/`."""
