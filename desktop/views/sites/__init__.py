"""会站家: sites (会/站/家), their facilities, union workers, the service log and star ratings."""
