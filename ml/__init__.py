"""Pure clinical knowledge, features and the trend model: no Flask, no app imports."""
