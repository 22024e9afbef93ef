import { Controller, Get, Header } from '@nestjs/common';
import { AsyncApiDocument, asyncApiDocument, Contract } from '@ensemble/contract';

/** The platform's AsyncAPI document, the one `npm run asyncapi` writes, built once at start from the same sources. */
@Controller()
export class ContractController {
  private readonly document: AsyncApiDocument;

  constructor(contract: Contract) {
    this.document = asyncApiDocument(contract);
  }

  /** Open to any origin, so that AsyncAPI Studio in a browser can load it by its URL: it states only what the repository does. */
  @Get('asyncapi.json')
  @Header('Access-Control-Allow-Origin', '*')
  asyncApi(): AsyncApiDocument {
    return this.document;
  }
}
