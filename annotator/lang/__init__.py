"""Language data, kept as data (YAML files and small modules) so that entries are easy to extend."""
