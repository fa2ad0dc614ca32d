"""People: find, create, edit and see where a person is named."""
