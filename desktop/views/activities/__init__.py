"""活动管理: the activity list, the add-activity dialog and attendance by card number."""
