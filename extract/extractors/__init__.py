"""Rule extractors, one module per extraction type, each returning Span objects with offsets into the clause text."""
