Feature: Security against the attacks MFA exists to stop
  Not the how-to's words: each check comes from a clause of RFC 6238, NIST
  SP 800-63B or OWASP ASVS 5.0 (the catalogue's SEC entries name it), and the
  reports give these checks a verdict of their own, apart from the how-to's.
  An attacker here may send a code from several sessions at the same moment,
  keep a copy of a session taken from someone's browser, guess passwords, and
  read whatever a page or an address shows. A system that cannot be driven
  that way skips the check, naming what it lacks. SEC-08 onward come from bugs
  MFA products shipped (the catalogue names each tracker entry): someone who has
  a password but not the phone, or has found a lost phone, tries the flows every
  user has. SEC-14 and SEC-15 check what a system declares it has (a safelist
  that answers like a wrong password, a password reset): where it declares the
  other alternative they are not applicable, with the declaration named.

  Background:
    Given Riverside Clinic is a practice where MFA is available
    And Dana is the account holder of Riverside Clinic
    And Erin is a user of Riverside Clinic

  Rule: A code signs in once, however many sessions send it at the same moment

    @SEC-01 @security @needs-concurrent-sessions @position:lockout_after=5
    Example: Erin's code sent from five sessions at once signs in one of them
      Given Erin has set up MFA with her phone
      And Erin has entered her password in 5 sessions
      When the code her phone shows is sent from all of them at once
      Then exactly one of them is signed in
      And the code is refused in every other one
      And Erin still signs in with her next code

  Rule: Wrong codes sent at the same moment get no more tries than the limit

    @SEC-02 @security @needs-concurrent-sessions @position:lockout_after=5
    Example: Wrong codes sent at once from many sessions do not get past the lockout limit
      Given Erin has set up MFA with her phone
      And Erin has entered her password in twice as many sessions as the lockout limit
      When a different wrong code is sent from each of them at once
      Then no more of them are refused as wrong codes than the lockout limit
      And the others are refused because code entry is locked or the session ended
      And Erin cannot sign in even with the code her phone shows

  Rule: A session ends for every copy of it

    @SEC-03 @security @needs-session-copy
    Example: A copy of Erin's session taken before she signs out is refused after
      Given Erin has signed in
      And someone has a working copy of Erin's session
      When Erin signs out
      Then the copy of Erin's session cannot use the product

    @SEC-04 @security @needs-session-copy @position:reset_sessions=ended
    Example: A copy of Erin's session taken before her MFA is reset is refused after
      Given Erin has set up MFA with her phone
      And Erin has signed in
      And someone has a working copy of Erin's session
      When Dana resets Erin's MFA
      Then the copy of Erin's session cannot use the product

  Rule: Accepting the code starts the session afresh

    @SEC-05 @security @needs-session-identifier
    Example: Erin's session identifier changes when her code is accepted
      Given Erin has set up MFA with her phone
      When Erin signs in with her password
      And someone notes Erin's session identifier
      And Erin enters the code her phone shows
      Then Erin is signed in
      And Erin's session identifier is not the one noted

    @SEC-05 @security @needs-session-copy
    Example: A copy of Erin's session taken at the code prompt is not signed in by her code
      Given Erin has set up MFA with her phone
      When Erin signs in with her password
      And someone copies Erin's session at the code prompt
      And Erin enters the code her phone shows
      Then Erin is signed in
      And the copy of Erin's session cannot use the product

  Rule: Password guessing is limited

    # Seeding: the check locks the account's password sign-in for a while, which
    # only a fresh account can afford.
    @SEC-06 @security @needs-seeding
    Example: After as many wrong passwords as the system allows, Erin's own is answered like a wrong one
      When someone tries as many wrong passwords for Erin as the system allows
      Then Erin's own password is refused with the same answer as one more wrong one

  Rule: The key is shown only while enrolling

    @SEC-07 @security @needs-pages-visited
    Example: Erin's key is on no page once her device is saved, and in no address
      When Erin sets up MFA with her phone
      And Erin signs in with her code and looks at her own MFA status
      And Erin opens the authenticator setup again
      And Dana looks up Erin in User Settings
      Then no page shown since Erin saved her device holds her key
      And no address the system was asked for holds Erin's key

  Rule: Opening the setup again changes nothing until a new device is saved

    @SEC-08 @security
    Example: Erin opens the authenticator setup again and leaves it, and her phone still signs her in
      Given Erin has set up MFA with her phone
      And Erin has signed in
      When Erin opens the authenticator setup again
      Then Erin is asked for a code from her authenticator the next time she signs in
      When Erin enters the code her phone shows
      Then Erin is signed in

  Rule: A new device needs a code from the old one, or a reset

    @SEC-09 @security
    Example: Someone with Erin's password but not her phone cannot set up a phone of their own
      Given Erin has set up MFA with her phone
      When someone who has Erin's password but not her phone signs in as her
      And they try to set up a phone of their own at her code prompt
      Then no phone of theirs is set up for Erin
      And they cannot use the product
      And Erin still signs in with her next code

  Rule: A reset stops what the old device could still finish

    @SEC-10 @security
    Example: A sign-in left waiting for Erin's code cannot be finished with her lost phone after her reset
      Given Erin has set up MFA with her phone
      And Erin has lost her phone
      And someone who found it has entered Erin's password and waits for her code
      When Dana resets Erin's MFA
      And they enter the code Erin's old phone shows
      Then they cannot use the product

  Rule: Code entry locks for the account, not for one sign-in

    @SEC-11 @security @position:lockout_after
    Example: The sign-in in which Erin's code entry locks ends with the lock
      Given Erin has set up MFA with her phone
      When Erin signs in and enters as many wrong codes in a row as lock code entry
      Then Erin's sign-in in which her code entry locked has ended

    @SEC-11 @security @position:lockout_after
    Example: Wrong codes spread over two sign-ins lock Erin's code entry all the same
      Given Erin has set up MFA with her phone
      When Erin signs in and enters one wrong code fewer in a row than lock code entry
      And Erin signs in again and enters one more wrong code
      Then Erin is told that her code entry is locked
      And Erin cannot sign in even with the code her phone shows

  Rule: Without the password, nobody learns an account's state

    @SEC-12 @security @position:lockout_after
    Example: A wrong password for Erin is answered alike before and after her code entry locks
      Given Erin has set up MFA with her phone
      When someone tries a wrong password for Erin
      And Erin signs in and enters as many wrong codes in a row as lock code entry
      And someone tries another wrong password for Erin
      And someone tries a wrong password for a username nobody has
      Then the three wrong passwords are answered alike

  Rule: Nobody but its owner is shown the key

    @SEC-13 @security @needs-pages-visited @needs-support-console
    Example: Neither Dana nor vendor support is shown Erin's key
      When Erin sets up MFA with her phone
      And Dana looks up Erin in User Settings
      And vendor support resets Erin's MFA
      Then no page shown since Erin saved her device holds her key

  Rule: From outside the IP safelist, the answer does not tell the right password

    @SEC-14 @security @needs-client-address @position:safelist_refusal=like-wrong-password
    Example: From outside the safelist, Erin's own password is answered exactly as a wrong one
      Given Dana has saved the IP safelist "203.0.113.0/24"
      When someone tries a wrong password for Erin from 198.51.100.7
      And someone tries Erin's own password from 198.51.100.7
      Then Erin's own password is answered exactly as the wrong one was

  Rule: A password reset never passes the second factor

    # Seeding: the check changes Erin's password, which only a fresh account can afford.
    @SEC-15 @security @needs-seeding @needs-password-reset @position:password_reset=offered
    Example: After resetting her forgotten password Erin is still asked for her code
      Given Erin has set up MFA with her phone
      When Erin resets her forgotten password
      Then Erin cannot use the product without her code
      And Erin signs in with her new password and the code her phone shows
