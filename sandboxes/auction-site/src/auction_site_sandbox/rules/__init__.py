"""Pure rules of the sandbox site: form validation, CSV parsing, sales rows, seed plans."""
