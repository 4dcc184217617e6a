-- 0005_accounts: who a user account is in the movement. A member or team leader is a person of the
-- People register (so that the app knows which roster rows, patrol check-ins and mediations are theirs);
-- a coordinator speaks for one partner organisation (whose sessions and models they keep). Both are
-- optional: an officer or an admin needs neither. Twin of sqlite/0005_accounts.sql.

ALTER TABLE users ADD COLUMN person_id BIGINT REFERENCES people(id);
ALTER TABLE users ADD COLUMN organisation_id BIGINT REFERENCES organisations(id);
CREATE UNIQUE INDEX users_person ON users(person_id) WHERE person_id IS NOT NULL;
CREATE INDEX users_organisation ON users(organisation_id) WHERE organisation_id IS NOT NULL;
