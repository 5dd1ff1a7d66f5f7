"""Rule extractors, one module per extraction type, each returning typed fields (model.Deadline, Frequency, Department, Target) with offsets into the clause text."""
