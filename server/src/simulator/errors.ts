/** A Connect service error as the wire carries it: an HTTP status, `x-amzn-ErrorType` and a message body. */
export type ErrorType =
  | 'InvalidParameterException'
  | 'InvalidRequestException'
  | 'ResourceNotFoundException'
  | 'ThrottlingException'
  | 'InternalServiceException'
  | 'AccessDeniedException'
  | 'ServiceUnavailableException';

const STATUS_BY_TYPE: Record<ErrorType, number> = {
  InvalidParameterException: 400,
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  InternalServiceException: 500,
  AccessDeniedException: 403,
  ServiceUnavailableException: 503,
};

export class ServiceError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS_BY_TYPE[this.type];
  }
}

export const invalidParameter = (message: string) => new ServiceError('InvalidParameterException', message);
export const invalidRequest = (message: string) => new ServiceError('InvalidRequestException', message);
export const notFound = (message: string) => new ServiceError('ResourceNotFoundException', message);
