-- Mindful Code central schema, part 20: team invitations (issue 12).

-- Adding someone to a team by email no longer adds them: it records an
-- invitation that the owner of that email accepts or declines. Whether an
-- account uses the email is never looked up when inviting, so the answer
-- cannot reveal it. The address is stored lower-cased; an invitation to an
-- address nobody signs up with simply expires (and is deleted by the
-- invitation-expiry job).
CREATE TABLE team_invitations (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    invited_by UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email VARCHAR(255) NOT NULL CHECK (email = lower(email)),
    role VARCHAR(50) NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    expires_at TIMESTAMPTZ NOT NULL,
    UNIQUE (team_id, email)
);
CREATE INDEX team_invitations_email_idx ON team_invitations (email);
CREATE INDEX team_invitations_invited_by_idx ON team_invitations (invited_by);
CREATE INDEX team_invitations_expires_idx ON team_invitations (expires_at);

-- Invitations each user sent in the current fixed window, counted in the
-- database so every instance shares the count (like auth_rate_limits).
-- Kept apart from team_invitations so that deleting a team, revoking or
-- re-sending invitations does not give the count back.
CREATE TABLE team_invitation_quota (
    user_id UUID PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    window_start TIMESTAMPTZ NOT NULL,
    sent INTEGER NOT NULL
);
