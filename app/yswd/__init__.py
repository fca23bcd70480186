""" "You said, we did" and news updates: themes, the publishing workflow, feeds and the annual report.

No web imports: views call these functions with plain values and the signed-in user.
"""
