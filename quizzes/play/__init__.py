"""Quizzes, attempts, practice, knowledge competitions and item analysis (issue 4).

Built on the question bank models (quizzes.models); attempts reference QuestionVersion rows.
"""
