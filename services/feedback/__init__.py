"""Feedback: what people say about a release, gathered in one inbox, and the owner's answers.

- `models`: the typed inbox (`Thread`, `Comment`, `RepoFeedback`, `FormAnswer`, `ThemeCount`,
  `FeedbackRead`: the `cli feedback --json` document).
- `themes`: rule-based themes (a persona, arc or topic named by key or name; a small lexicon), each
  with the words that matched. No model: every theme can be explained.
- `threads`: every discussion of a repo or Space (all pages) with its comments, and its likers,
  read through the studio's Hub client (timeouts, rate limits, errors in words, per repo).
- `likers`: when the studio first saw each liker (the Hub keeps no like time).
- `forms`: the gate form's free-text answers and the landing Space's feedback form (Supabase).
- `inbox`: everything together, unanswered first; `reply`: an answer posted to a thread, once.

Layer rule: imports `dataset`, `strategy`, `supabase`, `hub` and `utils`; never Streamlit.
"""
