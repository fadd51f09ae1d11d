/**
 * Who owns a nonce: the principal, not the session. API Gateway hands the handlers the caller's ARN
 * (`requestContext.identity.userArn`); for an assumed role that ARN names the session too
 * (`arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`), and the session name differs per ECS task, EC2
 * instance or AssumeRole call. Every session of one role is one owner, so the session is dropped:
 *
 * - `arn:<partition>:sts::A:assumed-role/ROLE/SESSION` → `arn:<partition>:sts::A:assumed-role/ROLE`
 *   (IAM Identity Center users of one permission set, and the sessions of any shared role, share an owner);
 * - an IAM user (`arn:…:iam::A:user/PATH/NAME`) and the root user (`arn:…:iam::A:root`) as they are;
 * - a federated user (`arn:…:sts::A:federated-user/NAME`, from GetFederationToken) as it is: the ARN does
 *   not say which IAM user issued it, so each name stays its own owner;
 * - anything else (local mode's `local`, `x-local-principal` values) as it is.
 *
 * Role and session names cannot contain "/" (IAM names allow only letters, digits and `+=,.@_-`), so the
 * last segment of an assumed-role ARN is always the session.
 */
const ASSUMED_ROLE_SESSION = /^(arn:[a-z][a-z0-9-]*:sts::\d{12}:assumed-role\/[^/]+)\/[^/]+$/;

export const ownerOf = (principalArn: string): string => ASSUMED_ROLE_SESSION.exec(principalArn)?.[1] ?? principalArn;
