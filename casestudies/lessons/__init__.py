"""Case lessons (以案释法): a case told in stages, questions answered once, the law explained."""
