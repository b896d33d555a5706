/** A Connect service error as the wire carries it: an HTTP status, `x-amzn-ErrorType` and a message body. */
export class ServiceError extends Error {
  constructor(
    readonly type:
      | 'InvalidParameterException'
      | 'InvalidRequestException'
      | 'ResourceNotFoundException'
      | 'ThrottlingException'
      | 'InternalServiceException'
      | 'AccessDeniedException',
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    switch (this.type) {
      case 'ThrottlingException':
        return 429;
      case 'ResourceNotFoundException':
        return 404;
      case 'InternalServiceException':
        return 500;
      case 'AccessDeniedException':
        return 403;
      default:
        return 400;
    }
  }
}

export const invalidParameter = (message: string) => new ServiceError('InvalidParameterException', message);
