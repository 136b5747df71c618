"""The campaign column (专栏): articles and disclosed penalty cases, public."""
