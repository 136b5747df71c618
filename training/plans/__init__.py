"""Study plans (a module assigned with a due date), what is due or overdue, and the bureau
study dashboard that follows them up."""
