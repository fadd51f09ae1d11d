/**
 * What a producer application needs: a customer managed policy that allows `execute-api:Invoke` on the
 * producer routes of this API's stage and on nothing else. Attach it to the producer's role or user
 * (`grant`, or the stack output ProducerPolicyArn).
 */
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ProducerRoute } from './api.js';
import { acknowledge, iam5ResourceFinding } from './nag.js';

export interface ProducerAccessProps {
  readonly api: apigateway.RestApi;
  readonly stageName: string;
  readonly routes: readonly ProducerRoute[];
  /**
   * Require a session authenticated with MFA (`aws:MultiFactorAuthPresent`). Only sessions obtained with an
   * MFA code carry that key: it suits people, not workloads running on instance or task roles.
   * @default false
   */
  readonly requireMfa?: boolean;
}

export class ProducerAccess extends Construct {
  public readonly policy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: ProducerAccessProps) {
    super(scope, id);
    const arnOf = (route: ProducerRoute) => props.api.arnForExecuteApi(route.method, route.path, props.stageName);
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Call the producer routes (${props.routes.map((route) => `${route.method} ${route.path}`).join(', ')}) of the presigned-url-nonce API`,
      statements: [
        new iam.PolicyStatement({
          sid: 'InvokeProducerRoutes',
          actions: ['execute-api:Invoke'],
          resources: props.routes.map(arnOf),
          ...(props.requireMfa === true ? { conditions: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } } : {}),
        }),
      ],
    });
    for (const route of props.routes.filter((candidate) => candidate.path.includes('*'))) {
      acknowledge(
        this.policy.node.findChild('Resource'),
        iam5ResourceFinding(this, arnOf(route)),
        `The "*" of ${route.method} ${route.path} stands for the {nonceId} path segment, chosen at run time; the method and the stage are fixed, and the handler answers 404 for any nonce the caller did not create.`,
      );
    }
  }

  /**
   * Attaches the producer policy to the grantee's role, user or group (a function's or a task's role
   * included), so that the one acknowledged policy is what every producer holds: no statement is copied
   * into the grantee's own policy, where its `/nonces/*` resource would be a new cdk-nag finding.
   */
  public grant(grantee: iam.IGrantable): void {
    const principal: object = grantee.grantPrincipal;
    if ('roleArn' in principal) this.policy.attachToRole(principal as iam.IRole);
    else if ('userArn' in principal) this.policy.attachToUser(principal as iam.IUser);
    else if ('groupArn' in principal) this.policy.attachToGroup(principal as iam.IGroup);
    else {
      throw new Error(
        'grantProduce needs an IAM role, user or group (or something whose grantPrincipal is one): the producer policy is attached to it.',
      );
    }
  }
}
