import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
} from 'aws-lambda';

/**
 * An HTTP API (payload 2.0) event for any of our routes. The browser routes carry
 * the JWT authorizer's claims; the backend route carries IAM authorizer details.
 */
export type TokenEvent = APIGatewayProxyEventV2WithRequestContext<
  APIGatewayEventRequestContextV2 & {
    authorizer?: {
      jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null };
      iam?: Record<string, unknown>;
    };
  }
>;
