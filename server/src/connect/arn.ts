/**
 * The id of a Connect resource from its ARN (`arn:aws:connect:<region>:<account>:instance/<instance>/<type>/<id>`,
 * "Resource types defined by Amazon Connect", Service Authorization Reference).
 */
export function idFromArn(arn: string | undefined): string | undefined {
  if (!arn?.startsWith('arn:')) return undefined;
  const id = arn.slice(arn.lastIndexOf('/') + 1);
  return id && id !== arn ? id : undefined;
}

/**
 * The id of a reference Connect gave (a queue, routing profile, user, listed item): its `Id`, else the id in its
 * `Arn` (both are optional in Connect's model); undefined with neither.
 */
export function referenceId(
  reference: { Id?: string | undefined; Arn?: string | undefined } | undefined,
): string | undefined {
  return reference?.Id || idFromArn(reference?.Arn);
}
