"""Monthly campaign bulletins (简报) of the county bureaus."""
