"""Lectures and trainings held in a hall: scheduling, sign-in codes and attendance."""
